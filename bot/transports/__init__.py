"""Transports: the only code that speaks a messenger's API.

The interface every transport meets, and how to add one, is in `bot.transports.base`;
the list of them in `bot.transports.registry`.
"""
