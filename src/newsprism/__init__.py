"""newsprism: turn a stream of news articles into stories and compare what their sources say."""

__version__ = "0.1.0"
