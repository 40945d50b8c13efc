from exo_industry.cli import main

raise SystemExit(main())
