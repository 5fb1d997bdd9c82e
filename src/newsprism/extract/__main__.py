"""The background extractor (``python -m newsprism.extract``): articles in, extractions out, as dicts.
``pipeline.extract`` runs one beside itself on a second core."""

from __future__ import annotations

from ..model import Article
from ..workers import serve
from . import Extractor

if __name__ == "__main__":
    extractor = Extractor()
    extractor.encoder_threads = 1  # (the parent extracts beside this process: a core each)
    serve(lambda articles: [x.to_dict() for x in extractor.run([Article.from_dict(a) for a in articles])])
