"""Schemathesis hooks for the conformance run (scripts/conformance).

The committed spec says what each parameter may be; a few rules tie parameters to each
other or to the data, which a JSON schema cannot say. These hooks keep generated
requests within those rules, so that a rejection that is correct (and tested by the
Rust API tests) is not reported as a valid request refused:

- `filter` grammar depends on the column's type (`OrderQuantity:ge:5`, not
  `OrderQuantity:ge:abc`): generated filters are replaced by the operation's own
  documented examples, which must then be accepted.
- the License dashboard takes `range` or `from`/`to`, not both; `from` is not after
  `to` and at most 60 months before it.
- the Customer page's `from` is not after its `to` (nor after the latest day with data
  when `to` is left out).
- a `cursor` is one the API issued.
"""

import schemathesis


def _positive(mode):
    return bool(getattr(mode, "is_positive", True))


def _month_index(text):
    year, month = text.split("-")
    return int(year) * 12 + int(month) - 1


@schemathesis.hook
def before_call(ctx, case, kwargs):
    """Applied to every case of every phase, just before it is sent."""
    query = case.query
    if not query:
        return
    # Only requests meant to fit the spec are kept within its unwritten rules; those
    # meant not to (a random filter, a made-up cursor) go as generated, so that a panic
    # on them would show as a 5xx.
    generation = getattr(getattr(case, "meta", None), "generation", None)
    mode = getattr(generation, "mode", None)
    if mode is not None and not _positive(mode):
        return
    path = case.operation.path
    if "filter" in query:
        example = None
        for parameter in case.operation.definition.raw.get("parameters", []):
            if parameter.get("name") == "filter":
                example = parameter.get("example")
        if example:
            query["filter"] = example
        else:
            del query["filter"]
    # A cursor is the API's own opaque token: a made-up one is refused by design
    # (tests/api/reports.rs checks that), so generated ones are left out.
    query.pop("cursor", None)
    if path.startswith("/api/v1/reports/licenses/"):
        # The coverage phase varies one parameter at a time and keeps the others at
        # their examples, so every case would draw the example's PNG (a third of a
        # second each in a debug build): drawn only where the case is about the image.
        data = getattr(getattr(case, "meta", None), "phase", None)
        data = getattr(data, "data", None)
        covering = getattr(data, "parameter", None)
        scenario = getattr(data, "scenario", None)
        if (
            scenario is not None
            and query.get("format") in ("png", "svg", "pdf")
            and covering not in ("format", "width", "height")
        ):
            query["format"] = "json"
        if "range" in query and ("from" in query or "to" in query):
            del query["range"]
        if "from" in query and "to" not in query:
            # `to` defaults to the latest month with data, which may be more than 60
            # months after a generated `from`.
            try:
                index = min(_month_index(query["from"]) + 5, 9999 * 12 + 11)
                query["to"] = f"{index // 12:04d}-{index % 12 + 1:02d}"
            except (ValueError, AttributeError):
                pass
        if "from" in query and "to" in query:
            try:
                span = _month_index(query["to"]) - _month_index(query["from"])
            except (ValueError, AttributeError):
                span = 0
            if span < 0 or span > 59:
                del query["from"]
    if path.startswith("/api/v1/reports/customers/"):
        if "from" in query and "to" not in query:
            # `to` defaults to the latest day with data, which a generated `from` may
            # be after.
            query["to"] = query["from"]
        if "from" in query and "to" in query and str(query["from"]) > str(query["to"]):
            query["from"], query["to"] = query["to"], query["from"]
