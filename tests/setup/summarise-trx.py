"""Sums the outcomes in every .trx file under a folder and prints one line: N passed, N failed, N skipped.
Each failed test is listed first with its message and the top of its stack trace, because CI keeps only the tail
of the output and that tail must say why a test failed, not only which.
Exits 1 when a test failed or no test ran at all."""
import glob, sys, xml.etree.ElementTree as ET

ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in glob.glob(f"{sys.argv[1]}/**/*.trx", recursive=True):
    for result in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", ns):
        outcome = result.get("outcome")
        if outcome == "Passed":
            passed += 1
        elif outcome in ("NotExecuted", "Inconclusive"):
            skipped += 1
        else:
            failed += 1
            message = (result.findtext(".//t:ErrorInfo/t:Message", default="", namespaces=ns) or "").strip()
            stack = (result.findtext(".//t:ErrorInfo/t:StackTrace", default="", namespaces=ns) or "").strip()
            ours = [l.strip() for l in stack.splitlines() if "Castellan" in l][:4]
            print(f"FAILED: {result.get('testName')} ({result.get('duration')})", file=sys.stderr)
            for line in message.splitlines()[:12]:
                print(f"  | {line[:300]}", file=sys.stderr)
            for line in ours:
                print(f"  @ {line[:300]}", file=sys.stderr)
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed or passed == 0 else 0)
