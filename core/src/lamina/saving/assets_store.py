"""The `assets/` folder of a `.keras` file: one sub-folder per object that saves assets.

Layers that keep files (vocabularies, ...) implement `save_assets(dir_path)` and
`load_assets(dir_path)`; the walk hands each its own folder, `assets/<object path>`.
"""

from __future__ import annotations

import os
import shutil
import tempfile


class AssetsFolder:
    """A folder of per-object asset folders (a temporary one unless `root` is given).

    Example:
        >>> assets = AssetsFolder()
        >>> folder = assets.make("layers/string_lookup")
        >>> assets.cleanup()
    """

    def __init__(self, root=None):
        self._temporary = root is None
        self.root = tempfile.mkdtemp(prefix="lamina_assets_") if root is None else root

    def _full_path(self, path: str) -> str:
        full = os.path.realpath(os.path.join(self.root, *path.split("/"))) if path else self.root
        root = os.path.realpath(self.root)
        if os.path.commonpath([root, full]) != root:
            raise ValueError(f"Invalid asset path: '{path}' escapes the asset directory.")
        return full

    def make(self, path: str) -> str:
        """The folder of the object at `path`, created if needed."""
        full = self._full_path(path)
        os.makedirs(full, exist_ok=True)
        return full

    def get(self, path: str):
        """The folder of the object at `path`, or None when the file has none."""
        full = self._full_path(path)
        return full if os.path.isdir(full) else None

    def has_path(self, path: str) -> bool:
        return os.path.exists(self._full_path(path))

    def files(self) -> list:
        """`(absolute path, path relative to the root with '/')` of every file, sorted."""
        found = []
        for folder, _, names in os.walk(self.root):
            for name in names:
                full = os.path.join(folder, name)
                found.append((full, os.path.relpath(full, self.root).replace(os.sep, "/")))
        return sorted(found, key=lambda item: item[1])

    def cleanup(self) -> None:
        if self._temporary:
            shutil.rmtree(self.root, ignore_errors=True)
