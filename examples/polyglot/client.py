"""A Python client of the gateway: asks the Node API for the time every 3 s, through the gateway
it finds at $GATEWAY_URL, and reads a static file served by Python."""
import json
import os
import signal
import sys
import time
import urllib.request

gateway = os.environ["GATEWAY_URL"]
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

with urllib.request.urlopen(f"{gateway}/hello.txt", timeout=5) as answer:
    print(f"static says: {answer.read().decode().strip()}")
while True:
    with urllib.request.urlopen(f"{gateway}/api/time", timeout=5) as answer:
        body = json.load(answer)
    print(f"api says it is {body['time']} (from {body['from']})")
    time.sleep(3)
