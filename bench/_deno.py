"""How the bench peers start Deno: the DENO environment variable (a path to the binary), else
`deno` on PATH, else `npx -y deno@2.9.6` (Deno comes from npm on our machines)."""
import os
import shutil

DENO_VERSION = "2.9.6"


def deno_command():
    """The argv prefix that runs Deno, e.g. ["deno"] or ["npx", "-y", "deno@2.9.6"]."""
    env = os.environ.get("DENO")
    if env:
        return [env]
    found = shutil.which("deno")
    if found:
        return [found]
    npx = shutil.which("npx")
    if npx:
        return [npx, "-y", f"deno@{DENO_VERSION}"]
    raise SystemExit(
        "Cannot find Deno: set DENO=/path/to/deno, put deno on PATH, or install Node.js so "
        f"`npx -y deno@{DENO_VERSION}` can fetch it from npm"
    )
