#!/usr/bin/env python3
"""Sums the TRX results of every test project and prints "N passed, N failed, N skipped" as the last line.

Fails (exit 1) when any test failed, when a test project produced no result file (it crashed or did not run),
or when nothing ran at all.
"""
import glob
import os
import sys
import xml.etree.ElementTree as ET

results_dir, repo = sys.argv[1], sys.argv[2]
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
projects = sorted(
    os.path.splitext(os.path.basename(p))[0]
    for p in glob.glob(os.path.join(repo, "tests", "*", "*.Tests.csproj"))
)

passed = failed = skipped = 0
seen = set()
for path in glob.glob(os.path.join(results_dir, "*.trx")):
    root = ET.parse(path).getroot()
    counters = root.find("t:ResultSummary/t:Counters", ns)
    if counters is None:
        print(f"{path}: no counters (test host crashed?)")
        failed += 1
        continue
    p = int(counters.get("passed", 0))
    f = int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    # xunit's skipped tests are counted in "total" but not in "executed".
    s = int(counters.get("total", 0)) - int(counters.get("executed", 0)) + int(counters.get("notExecuted", 0))
    passed, failed, skipped = passed + p, failed + f, skipped + s
    for unit in root.findall("t:TestDefinitions/t:UnitTest/t:TestMethod", ns):
        storage = os.path.splitext(os.path.basename(unit.get("codeBase", "")))[0]
        seen.add(storage)
    print(f"{os.path.basename(path)}: {p} passed, {f} failed, {s} skipped")

missing = [p for p in projects if p not in seen]
for project in missing:
    print(f"{project}: no results (the project did not run or crashed)")
    failed += 1

ok = failed == 0 and passed > 0
if passed == 0:
    print("no test ran: that is a failure")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(0 if ok else 1)
