"""The demo company: `flask --app hiring seed-demo` fills an empty database with it."""
from hiring.demo.seed import DEMO_PASSWORD, database_is_empty, demo_logins, seed_demo

__all__ = ["DEMO_PASSWORD", "database_is_empty", "demo_logins", "seed_demo"]
