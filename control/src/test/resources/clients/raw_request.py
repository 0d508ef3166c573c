"""Sends raw bytes to HOST:PORT (with escapes such as \\r\\n), optionally pausing mid-request, and prints what
comes back, then CLOSED or RESET. For malformed-request and slowloris tests.

  raw_request.py HOST PORT PAYLOAD [PAUSE_SECONDS_BEFORE_REST] [REST]
"""
import socket, sys, time

host, port, payload = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode().decode("unicode_escape").encode("latin-1")
s = socket.create_connection((host, port), timeout=15)
s.sendall(payload)
if len(sys.argv) > 4:
    time.sleep(float(sys.argv[4]))
    try:
        s.sendall(sys.argv[5].encode().decode("unicode_escape").encode("latin-1") if len(sys.argv) > 5 else b"")
    except OSError as e:
        print(f"SEND-FAILED {e.__class__.__name__}")
data = b""
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            print(data.decode("latin-1"))
            print("CLOSED")
            break
        data += chunk
except ConnectionResetError:
    print(data.decode("latin-1"))
    print("RESET")
except socket.timeout:
    print(data.decode("latin-1"))
    print("TIMEOUT")
