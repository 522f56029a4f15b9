from vmatrix.cli import main

main()
