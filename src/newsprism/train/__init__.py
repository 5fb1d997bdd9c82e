"""The trainers: what newsprism learns from the dev data and ships (run once, by hand, offline).

- ``clusterer``: the story clusterer's feature weights and threshold (-> cluster/config.json);
- ``cues``: attribution cue word forms from PolNeAR train (-> extract/cues_en.txt);
- ``quote_tagger``: the attribution tagger, a spaCy model over parsed sentences (-> extract/models/quote_tagger);
- ``attribution_encoder``: the accurate mode's fine-tuned MiniLM (-> extract/models/attribution_encoder).

They sit above the stages (they import the stages and the benchmark readers in datasets.py); no stage imports them.
"""
