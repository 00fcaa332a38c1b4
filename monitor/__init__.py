"""monitor: follow a news story for months — every version of every article,
recurring themes, and what changed."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/monitor-news/monitor"
