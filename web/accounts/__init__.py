"""A person's account and the site's people: signing in and out, invitations and password resets, the account pages,
and the admins' pages."""
