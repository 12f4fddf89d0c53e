"""Letters of participation: the PDF, self-service download (/surat), public verification
(/verifikasi), officers' single letters and batches."""
