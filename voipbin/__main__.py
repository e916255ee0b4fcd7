from voipbin.cli import main

main()
