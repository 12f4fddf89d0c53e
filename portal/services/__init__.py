"""The rules of the portal: typed, keyword-only functions. They flush, never commit."""
