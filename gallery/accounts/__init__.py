"""Accounts: staff users, roles, invites, login and the permission gate."""
