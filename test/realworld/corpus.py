"""Where the corpus entries are.  A corpus entry is `sources/<stem>.py`, or a project folder
`sources/<stem>/` whose entry file `<stem>.py` imports the folder's other modules."""
import fnmatch
import glob
import hashlib
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def source_path(stem):
    """A corpus entry is `sources/<stem>.py`, or a project folder `sources/<stem>/` whose
    entry file `<stem>.py` imports the folder's other modules."""
    single = os.path.join(HERE, "sources", f"{stem}.py")
    return single if os.path.exists(single) else os.path.join(HERE, "sources", stem, f"{stem}.py")


def stems(patterns):
    out = []
    for entry in sorted(os.listdir(os.path.join(HERE, "sources"))):
        stem = entry[:-3] if entry.endswith(".py") else entry
        if not os.path.exists(source_path(stem)):
            continue
        if not patterns or any(fnmatch.fnmatch(stem, p) or p in stem for p in patterns):
            out.append(stem)
    return out


def entry_files(stem):
    """The files a corpus entry consists of: its file, or every .py file of its project folder."""
    path = source_path(stem)
    folder = os.path.dirname(path)
    if os.path.basename(folder) != stem:
        return [path]
    return sorted(glob.glob(os.path.join(folder, "**", "*.py"), recursive=True))


def digest(paths, root):
    """sha256 over the files' repository-relative names and bytes: what a golden was made from."""
    h = hashlib.sha256()
    for path in paths:
        h.update(os.path.relpath(path, root).replace(os.sep, "/").encode() + b"\0")
        with open(path, "rb") as fh:
            h.update(fh.read())
        h.update(b"\0")
    return h.hexdigest()
