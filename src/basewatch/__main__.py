from basewatch.cli.app import main

main()
