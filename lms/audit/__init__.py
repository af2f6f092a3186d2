"""The audit log: every change made by admins, leaders, lead trainers and the command line, with before and after."""
