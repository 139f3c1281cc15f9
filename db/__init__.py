"""SQLAlchemy 2 models, engine and sessions, queries and migrations."""
