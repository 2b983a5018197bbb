"""The baton: who writes a relay's next post, the invitation and the reminders."""
