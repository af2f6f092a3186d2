"""xAPI statements for completions, quiz results and workshop attendance, sent to a learning record store."""
