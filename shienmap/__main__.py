from shienmap.cli import main

raise SystemExit(main())
