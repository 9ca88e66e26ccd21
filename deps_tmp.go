package main
import (
 _ "github.com/xuri/excelize/v2"
 _ "github.com/parquet-go/parquet-go"
 _ "github.com/alitto/pond/v2"
 _ "github.com/schollz/progressbar/v3"
 _ "golang.org/x/time/rate"
 _ "golang.org/x/term"
 _ "github.com/DataDog/sketches-go/ddsketch"
)
func main(){}
