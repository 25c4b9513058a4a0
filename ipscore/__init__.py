"""ipscore: score Chinese national IP demonstration cities against their work plans."""

from .assess import assess, assess_paths
from .errors import InputError, IpscoreError, PackError
from .packs import Pack, find_pack, load_pack
from .results import Assessment

__version__ = "0.1.0"

__all__ = [
    "Assessment",
    "InputError",
    "IpscoreError",
    "Pack",
    "PackError",
    "__version__",
    "assess",
    "assess_paths",
    "find_pack",
    "load_pack",
]
