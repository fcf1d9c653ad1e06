"""Command line for the publish jobs (grown by the publish-jobs work)."""
import sys


def main(argv=None) -> int:
    print("no register given", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
