from skillwallet.cli import main

main()
