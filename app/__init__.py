"""gridwatch: the desktop operations app for a city grid-management command center.

The import namespace is one package; its sub-packages live in the repository's top-level folders
(`db/`, `layers/`, `plugins/`), mapped by setup.cfg's ``package_dir``.
"""

__version__ = "0.1.0"
