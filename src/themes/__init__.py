"""themes: findings-taxonomy classifier and cross-authority theme analyser for Ofsted inspections of
English local authority children's services.

The pipeline, one module per stage: read -> structure -> sentences -> tag (model) -> compare -> charts/publish.
The names below are imported on first use, so that light tools (`python -m themes.labelling check`) do not
load spaCy, pdfium and scikit-learn.
"""

import importlib

__all__ = ["ReadError", "Report", "read_report", "read_reports", "load_model", "compare", "selfcheck"]

_FROM = {"ReadError": ".read", "Report": ".report", "read_report": ".report", "read_reports": ".report"}


def load_model(path=None, taxonomy=None):
    """Load the trained classifier (the one shipped in models/ by default); see themes.model."""
    from .model import load_model as _load

    return _load(path, taxonomy)


def __getattr__(name):
    if name in _FROM:
        return getattr(importlib.import_module(_FROM[name], __name__), name)
    if name in ("compare", "selfcheck"):  # modules
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(name)
