"""Conversation flows; each module exports the ACTIONS, COMMANDS and STATES it handles."""
