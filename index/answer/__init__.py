"""index/answer."""
