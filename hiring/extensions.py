"""Flask extensions, created unbound here and bound to an app in create_app."""
from __future__ import annotations

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from hiring import sqlite  # noqa: F401  (registers SQLite's connection and transaction events)
from hiring import postgres  # noqa: F401  (registers PostgreSQL's transaction event for flask commands)
from hiring.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
