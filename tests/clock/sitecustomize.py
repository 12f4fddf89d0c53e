"""Puts a Python process that a test started on the test's clock.

The suite runs on a frozen calendar (tests/conftest.py: `SIGAP_TEST_NOW`, or a test's
`@pytest.mark.clock`). Servers, CLI commands and workers that a test starts as subprocesses get
this folder on PYTHONPATH and `SIGAP_TEST_CLOCK_SHIFT` (seconds between the test's clock and the
real one) in their environment, so they see the same day as the test that started them.
Nothing here is imported by the portal itself.
"""

import os

_shift = os.environ.get("SIGAP_TEST_CLOCK_SHIFT")
if _shift:
    import time

    import time_machine

    time_machine.travel(time.time() + float(_shift), tick=True).start()
