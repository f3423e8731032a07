"""Administration: users, and later the company's settings."""
