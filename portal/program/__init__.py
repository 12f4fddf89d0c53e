"""The program's rules an admin changes at run time: /petugas/admin/pengaturan (issue 16 point 9).
What is stored and how it is read are core's (portal.core.program_settings, portal.web.settings)."""
