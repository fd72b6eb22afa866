"""The state database's schema revisions (no import of SQLAlchemy: `quick.py` checks them too)."""

REVISIONS = ("0001", "0002", "0003")  # oldest first; must match migrations/versions (a test checks)
HEAD = REVISIONS[-1]
VERSION_TABLE = "alembic_version"
