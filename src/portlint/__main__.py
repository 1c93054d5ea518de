from portlint.entry import main

main()
