"""What comes in from the SMS gateway (Kannel) and WhatsApp: delivery reports of the outbox's
messages, and texts residents send (CEK, LACAK, BANTUAN, STOP, MULAI, an answer to a question)."""
