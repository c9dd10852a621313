"""The service layer: every change to a center goes through these functions.

Views, the ``psc`` console command and tests call them with keyword
arguments, grouped by the noun they act on: ``centers``, ``projects``,
``releases``, ``distributions``, ``archives``, ``maintainers`` and the
name-claim policy in ``claims``. A function that changes an object takes that
object (``project=``, ``release=``, ``distribution=``); one that looks an
object up takes its container and a name. They check the current user's
permissions, change content inside the current transaction and record each
change in the center's journal; committing or aborting is the caller's
business, so a replayed request repeats them safely.
"""
