"""themes: findings-taxonomy classifier and cross-authority theme analyser for Ofsted inspections of
English local authority children's services.

The pipeline, one module per stage: read -> structure -> sentences -> tag (model) -> compare -> charts/publish.
"""

from .read import ReadError
from .report import Report, read_report, read_reports

__all__ = ["ReadError", "Report", "read_report", "read_reports", "load_model", "compare", "selfcheck"]


def load_model(path=None, taxonomy=None):
    """Load the trained classifier (the one shipped in models/ by default); see themes.model."""
    from .model import load_model as _load

    return _load(path, taxonomy)


def __getattr__(name):  # themes.compare and themes.selfcheck as modules, imported on first use
    if name in ("compare", "selfcheck"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(name)
