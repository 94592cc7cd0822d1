from mag.cli import main

main()
