"""Letters as documents: the letter HTML from its template, the PDF (WeasyPrint), merged batches."""
