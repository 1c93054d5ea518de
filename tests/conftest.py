from __future__ import annotations

import os

# Tests must not depend on the developer's terminal or CI flags.
os.environ.pop("FORCE_COLOR", None)
os.environ.setdefault("NO_COLOR", "1")
