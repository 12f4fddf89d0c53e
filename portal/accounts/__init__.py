"""Staff accounts: sign-in with password and two-factor codes, roles and kecamatan scope, the
admin pages and CLI that manage them, officers' unsent forms."""
