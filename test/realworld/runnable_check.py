"""Checks that a runnable copy keeps its corpus file's code unchanged.

A runnable copy is the corpus file with some lines left out and some blocks put in.  Every
block it puts in is fenced:

    # <<< replaced: reads train.csv; synthetic padded sequences instead
    ...
    # >>>

Every line outside the fences must be a line of the corpus file, in the same order (the
copy is the corpus file with lines deleted, plus fenced blocks).  So the model code the
goldens come from is the code MaskLens reads."""
OPEN = "# <<<"
CLOSE = "# >>>"


def kept_lines(runnable_text):
    """Lines outside the fenced blocks, with their 1-based line numbers; raises on bad fences."""
    kept, inside, opened_at = [], False, 0
    for number, line in enumerate(runnable_text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith(OPEN):
            if inside:
                raise ValueError(f"line {number}: a block opens inside the block opened at line {opened_at}")
            inside, opened_at = True, number
        elif stripped == CLOSE:
            if not inside:
                raise ValueError(f"line {number}: '{CLOSE}' closes no block")
            inside = False
        elif not inside:
            kept.append((number, line))
    if inside:
        raise ValueError(f"the block opened at line {opened_at} is never closed")
    return kept


def check(source_text, runnable_text):
    """None if the runnable copy keeps the source's lines in order, else the first problem."""
    try:
        kept = kept_lines(runnable_text)
    except ValueError as exc:
        return str(exc)
    source = source_text.splitlines()
    i = 0
    for number, line in kept:
        while i < len(source) and source[i] != line:
            i += 1
        if i == len(source):
            return f"line {number} is neither in a fenced block nor (in order) in the corpus file: {line.strip()[:100]!r}"
        i += 1
    return None
