# The seed's training history as two plots side by side: the loss curve, and the four data points
# with the fitted line w * x after epochs 1, 2, 5 and 20. Regenerates docs/seed_training.png from
# the repository's root (as the README says):
#   ./build/docs/examples/linear_regression --history build/seed.csv && gnuplot docs/plots/seed.gp
# Another CSV or PNG: gnuplot -e "history='run.csv'; output='run.png'" docs/plots/seed.gp
# The CSV is ctgrad::training_history's: epoch,loss,w, where loss is the epoch's loss before its
# update and w the value after it.
if (!exists("history")) history = 'build/seed.csv'
if (!exists("output")) output = 'docs/seed_training.png'

set terminal pngcairo size 1000,420 font ",11"
set output output
set datafile separator ','
set multiplot layout 1,2

set title "Loss (mean squared error) by epoch"
set xlabel "epoch"
set ylabel "loss"
set logscale y
set grid
set key off
plot history using 'epoch':'loss' with linespoints pointtype 7 pointsize 0.6 linewidth 2

# w after each epoch, read from the CSV (stats assigns w_after[epoch] row by row).
array w_after[1000]
stats history using (w_after[int(column('epoch'))] = column('w')) nooutput
set title "Data and the fitted line w * x"
set xlabel "x"
set ylabel "y"
unset logscale y
set key top left
set xrange [0:5]
set yrange [0:10]
# The notebook's data: X = [1, 2, 3, 4], Y = [2, 4, 6, 8].
$points << EOD
1,2
2,4
3,6
4,8
EOD
set linetype 11 linecolor '#c6dbef'
set linetype 12 linecolor '#6baed6'
set linetype 13 linecolor '#2171b5'
set linetype 14 linecolor '#08306b'
plot 2 * x with lines dashtype 2 linecolor 'gray50' title 'y = 2x, the exact fit', \
     for [i = 1:4] w_after[word("1 2 5 20", i) + 0] * x linewidth 2 linetype 10 + i \
         title sprintf("epoch %s: w = %.3f", word("1 2 5 20", i), w_after[word("1 2 5 20", i) + 0]), \
     $points using 1:2 with points pointtype 7 pointsize 1.5 linecolor 'black' title 'data'

unset multiplot
