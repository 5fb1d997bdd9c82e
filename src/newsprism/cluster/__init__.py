"""Stories: streaming dedup and clustering (``stream``), its features and model (``features``,
``online``), training on dev data (``train``) and scores (``metrics``)."""

from .online import ClusterConfig, OnlineClusterer
from .stream import Assignment, StoryStream, cluster_in_memory

__all__ = ["ClusterConfig", "OnlineClusterer", "Assignment", "StoryStream", "cluster_in_memory"]
