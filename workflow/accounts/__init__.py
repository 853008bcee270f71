"""People's accounts: passwords, sign-in and its limits, invitations and sessions."""
