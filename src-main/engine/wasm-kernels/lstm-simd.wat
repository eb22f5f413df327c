;; The LSTM's WebAssembly SIMD128 kernels (they validate wherever wasm SIMD does): generation's matrix-vector
;; products over packed weights and its cell (memory laid out by inference/step-kernel.ts, a memory of its own), and
;; training's forward and backward cells (on the tfjs wasm backend's heap, from lstm/lstm-kernels.ts). The memory is
;; imported; every pointer is a byte offset, every size a float count.
(module
  (import "env" "memory" (memory 1))

  ;; Panel layout: a [k, n] row-major matrix is stored as n/16 panels of [k, 16], so one panel is contiguous.
  ;; out[r, 0..16*panels] += x[r, 0..k] . W for r < rows; x rows are k floats apart, out rows outStride floats.
  ;; Panels are the outer loop: a panel (k x 64 bytes) stays in L1 while every row uses it, so the weights are
  ;; read from memory once per call however many rows there are.
  (func (export "matvec")
    (param $x i32) (param $rows i32) (param $k i32) (param $w i32) (param $panels i32)
    (param $out i32) (param $outStride i32)
    (local $p i32) (local $r i32) (local $wp i32) (local $op i32) (local $xBytes i32) (local $outBytes i32)
    (local.set $xBytes (i32.shl (local.get $k) (i32.const 2)))
    (local.set $outBytes (i32.shl (local.get $outStride) (i32.const 2)))
    (local.set $p (i32.const 0))
    (block $panelsDone
      (loop $panel
        (br_if $panelsDone (i32.ge_u (local.get $p) (local.get $panels)))
        (local.set $wp (i32.add (local.get $w) (i32.mul (local.get $p) (i32.shl (local.get $k) (i32.const 6)))))
        (local.set $r (i32.const 0))
        (block $pairsDone
          (loop $pair
            (br_if $pairsDone (i32.ge_u (i32.add (local.get $r) (i32.const 1)) (local.get $rows)))
            (call $panelPair
              (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $xBytes)))
              (local.get $xBytes) (local.get $wp)
              (i32.add (i32.add (local.get $out) (i32.mul (local.get $r) (local.get $outBytes))) (i32.shl (local.get $p) (i32.const 6)))
              (local.get $outBytes))
            (local.set $r (i32.add (local.get $r) (i32.const 2)))
            (br $pair)))
        (if (i32.lt_u (local.get $r) (local.get $rows))
          (then
            (call $panelRow
              (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $xBytes)))
              (local.get $xBytes) (local.get $wp)
              (i32.add (i32.add (local.get $out) (i32.mul (local.get $r) (local.get $outBytes))) (i32.shl (local.get $p) (i32.const 6))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $panel))))

  ;; One row, one panel: four accumulators, two k per iteration. (More accumulator sets measured slower: V8 spills.)
  (func $panelRow (param $x i32) (param $xBytes i32) (param $wp i32) (param $op i32)
    (local $xp i32) (local $xEnd i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $s v128) (local $t v128)
    (local.set $xEnd (i32.add (local.get $x) (local.get $xBytes)))
    (local.set $a0 (v128.load offset=0 (local.get $op)))
    (local.set $a1 (v128.load offset=16 (local.get $op)))
    (local.set $a2 (v128.load offset=32 (local.get $op)))
    (local.set $a3 (v128.load offset=48 (local.get $op)))
    (local.set $xp (local.get $x))
    (loop $inner
      (local.set $s (v128.load32_splat offset=0 (local.get $xp)))
      (local.set $t (v128.load32_splat offset=4 (local.get $xp)))
      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $s) (v128.load offset=0 (local.get $wp)))))
      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $wp)))))
      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $s) (v128.load offset=32 (local.get $wp)))))
      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $s) (v128.load offset=48 (local.get $wp)))))
      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $t) (v128.load offset=64 (local.get $wp)))))
      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $t) (v128.load offset=80 (local.get $wp)))))
      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $t) (v128.load offset=96 (local.get $wp)))))
      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $t) (v128.load offset=112 (local.get $wp)))))
      (local.set $wp (i32.add (local.get $wp) (i32.const 128)))
      (local.set $xp (i32.add (local.get $xp) (i32.const 8)))
      (br_if $inner (i32.lt_u (local.get $xp) (local.get $xEnd))))
    (v128.store offset=0 (local.get $op) (local.get $a0))
    (v128.store offset=16 (local.get $op) (local.get $a1))
    (v128.store offset=32 (local.get $op) (local.get $a2))
    (v128.store offset=48 (local.get $op) (local.get $a3)))

  ;; Two rows, one panel: every weight load serves both. outBytes is the distance between the two output rows.
  (func $panelPair (param $x i32) (param $xBytes i32) (param $wp i32) (param $op i32) (param $outBytes i32)
    (local $xp i32) (local $xEnd i32) (local $oq i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $s v128) (local $t v128) (local $v v128)
    (local.set $xEnd (i32.add (local.get $x) (local.get $xBytes)))
    (local.set $oq (i32.add (local.get $op) (local.get $outBytes)))
    (local.set $a0 (v128.load offset=0 (local.get $op)))
    (local.set $a1 (v128.load offset=16 (local.get $op)))
    (local.set $a2 (v128.load offset=32 (local.get $op)))
    (local.set $a3 (v128.load offset=48 (local.get $op)))
    (local.set $b0 (v128.load offset=0 (local.get $oq)))
    (local.set $b1 (v128.load offset=16 (local.get $oq)))
    (local.set $b2 (v128.load offset=32 (local.get $oq)))
    (local.set $b3 (v128.load offset=48 (local.get $oq)))
    (local.set $xp (local.get $x))
    (loop $inner
      (local.set $s (v128.load32_splat (local.get $xp)))
      (local.set $t (v128.load32_splat (i32.add (local.get $xp) (local.get $xBytes))))
      (local.set $v (v128.load offset=0 (local.get $wp)))
      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $s) (local.get $v))))
      (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $t) (local.get $v))))
      (local.set $v (v128.load offset=16 (local.get $wp)))
      (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $s) (local.get $v))))
      (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (local.get $t) (local.get $v))))
      (local.set $v (v128.load offset=32 (local.get $wp)))
      (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $s) (local.get $v))))
      (local.set $b2 (f32x4.add (local.get $b2) (f32x4.mul (local.get $t) (local.get $v))))
      (local.set $v (v128.load offset=48 (local.get $wp)))
      (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $s) (local.get $v))))
      (local.set $b3 (f32x4.add (local.get $b3) (f32x4.mul (local.get $t) (local.get $v))))
      (local.set $wp (i32.add (local.get $wp) (i32.const 64)))
      (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
      (br_if $inner (i32.lt_u (local.get $xp) (local.get $xEnd))))
    (v128.store offset=0 (local.get $op) (local.get $a0))
    (v128.store offset=16 (local.get $op) (local.get $a1))
    (v128.store offset=32 (local.get $op) (local.get $a2))
    (v128.store offset=48 (local.get $op) (local.get $a3))
    (v128.store offset=0 (local.get $oq) (local.get $b0))
    (v128.store offset=16 (local.get $oq) (local.get $b1))
    (v128.store offset=32 (local.get $oq) (local.get $b2))
    (v128.store offset=48 (local.get $oq) (local.get $b3)))

  ;; exp(x) for x <= 0 (flushed to 0 below -87): x = n ln2 + r, |r| <= ln2 / 2, exp(r) by its degree-6 Taylor
  ;; polynomial (relative error ~1e-7, about one float ulp), 2^n built in the exponent bits.
  (func $expNonPositive (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $p v128) (local $tiny v128)
    (local.set $tiny (f32x4.lt (local.get $x) (v128.const f32x4 -87 -87 -87 -87)))
    (local.set $x (f32x4.max (local.get $x) (v128.const f32x4 -87 -87 -87 -87)))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
    (local.set $r (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (v128.const f32x4 0.693145751953125 0.693145751953125 0.693145751953125 0.693145751953125))))
    (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $n) (v128.const f32x4 1.428606765330187e-6 1.428606765330187e-6 1.428606765330187e-6 1.428606765330187e-6))))
    (local.set $p (v128.const f32x4 1.3888889e-3 1.3888889e-3 1.3888889e-3 1.3888889e-3))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.3333333e-3 8.3333333e-3 8.3333333e-3 8.3333333e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.1666667e-2 4.1666667e-2 4.1666667e-2 4.1666667e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 0.16666667 0.16666667 0.16666667 0.16666667)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 0.5 0.5 0.5 0.5)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1 1 1 1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1 1 1 1)))
    (local.set $p
      (f32x4.mul (local.get $p)
        (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
    (v128.andnot (local.get $p) (local.get $tiny)))

  ;; sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, with e = exp(-|x|): never overflows.
  (func $sigmoid (param $x v128) (result v128)
    (local $e v128)
    (local.set $e (call $expNonPositive (f32x4.neg (f32x4.abs (local.get $x)))))
    (f32x4.div
      (v128.bitselect (local.get $e) (v128.const f32x4 1 1 1 1) (f32x4.lt (local.get $x) (v128.const f32x4 0 0 0 0)))
      (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $e))))

  ;; tanh(x) = 2 sigmoid(2x) - 1
  (func $tanh (param $x v128) (result v128)
    (f32x4.sub
      (f32x4.mul (v128.const f32x4 2 2 2 2) (call $sigmoid (f32x4.add (local.get $x) (local.get $x))))
      (v128.const f32x4 1 1 1 1)))

  ;; The LSTM cell for rows x units (units a multiple of 4): z [rows, 4 units] holds the pre-activations in the gate
  ;; order i, f, g, o (bias included); c [rows, units] is read and overwritten; h [rows, units] is written.
  (func (export "lstmCell") (param $z i32) (param $c i32) (param $h i32) (param $units i32) (param $rows i32)
    (local $u i32) (local $r i32) (local $gate i32) (local $zp i32) (local $cp i32) (local $hp i32) (local $cNew v128)
    (local.set $gate (i32.shl (local.get $units) (i32.const 2)))
    (local.set $cp (local.get $c))
    (local.set $hp (local.get $h))
    (local.set $r (i32.const 0))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $zp (i32.add (local.get $z) (i32.mul (local.get $r) (i32.shl (local.get $gate) (i32.const 2)))))
        (local.set $u (i32.const 0))
        (block $unitsDone
          (loop $unit
            (br_if $unitsDone (i32.ge_u (local.get $u) (local.get $units)))
            (local.set $cNew
              (f32x4.add
                (f32x4.mul
                  (call $sigmoid (v128.load (i32.add (local.get $zp) (local.get $gate))))
                  (v128.load (local.get $cp)))
                (f32x4.mul
                  (call $sigmoid (v128.load (local.get $zp)))
                  (call $tanh (v128.load (i32.add (local.get $zp) (i32.shl (local.get $gate) (i32.const 1))))))))
            (v128.store (local.get $cp) (local.get $cNew))
            (v128.store (local.get $hp)
              (f32x4.mul
                (call $sigmoid (v128.load (i32.add (local.get $zp) (i32.mul (local.get $gate) (i32.const 3)))))
                (call $tanh (local.get $cNew))))
            (local.set $zp (i32.add (local.get $zp) (i32.const 16)))
            (local.set $cp (i32.add (local.get $cp) (i32.const 16)))
            (local.set $hp (i32.add (local.get $hp) (i32.const 16)))
            (local.set $u (i32.add (local.get $u) (i32.const 4)))
            (br $unit)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))
;; Training's forward cell for rows x units (units a multiple of 4). The pre-activations are zRec + zIn, both
  ;; [rows, 4 units] in the gate order i, f, g, o (zRec = h_{t-1} x recurrent kernel; zIn = x_t x kernel + bias).
  ;; Reads cPrev [rows, units]; writes the activated gates [rows, 4 units], c, tanhC and h [rows, units].
  (func (export "trainForwardCell")
    (param $zRec i32) (param $zIn i32) (param $cPrev i32) (param $gates i32) (param $c i32) (param $tanhC i32)
    (param $h i32) (param $units i32) (param $rows i32)
    (local $gate i32) (local $r i32) (local $u i32) (local $s i32)
    (local $ig v128) (local $fg v128) (local $cand v128) (local $og v128) (local $cNew v128) (local $t v128)
    (local.set $gate (i32.shl (local.get $units) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $u (i32.const 0))
        (block $unitsDone
          (loop $unit
            (br_if $unitsDone (i32.ge_u (local.get $u) (local.get $units)))
            ;; s: these four units' byte offset in the [rows, 4 units] layout, gate i first, then one gate block on.
            (local.set $s (i32.add (i32.mul (local.get $r) (i32.shl (local.get $gate) (i32.const 2)))
                                   (i32.shl (local.get $u) (i32.const 2))))
            (local.set $ig (call $sigmoid (f32x4.add (v128.load (i32.add (local.get $zRec) (local.get $s)))
                                                     (v128.load (i32.add (local.get $zIn) (local.get $s))))))
            (local.set $s (i32.add (local.get $s) (local.get $gate)))
            (local.set $fg (call $sigmoid (f32x4.add (v128.load (i32.add (local.get $zRec) (local.get $s)))
                                                     (v128.load (i32.add (local.get $zIn) (local.get $s))))))
            (local.set $s (i32.add (local.get $s) (local.get $gate)))
            (local.set $cand (call $tanh (f32x4.add (v128.load (i32.add (local.get $zRec) (local.get $s)))
                                                    (v128.load (i32.add (local.get $zIn) (local.get $s))))))
            (local.set $s (i32.add (local.get $s) (local.get $gate)))
            (local.set $og (call $sigmoid (f32x4.add (v128.load (i32.add (local.get $zRec) (local.get $s)))
                                                     (v128.load (i32.add (local.get $zIn) (local.get $s))))))
            (v128.store (i32.add (local.get $gates) (local.get $s)) (local.get $og))
            (local.set $s (i32.sub (local.get $s) (local.get $gate)))
            (v128.store (i32.add (local.get $gates) (local.get $s)) (local.get $cand))
            (local.set $s (i32.sub (local.get $s) (local.get $gate)))
            (v128.store (i32.add (local.get $gates) (local.get $s)) (local.get $fg))
            (local.set $s (i32.sub (local.get $s) (local.get $gate)))
            (v128.store (i32.add (local.get $gates) (local.get $s)) (local.get $ig))
            ;; The state offset: row r, unit u of [rows, units].
            (local.set $s (i32.shl (i32.add (i32.mul (local.get $r) (local.get $units)) (local.get $u)) (i32.const 2)))
            (local.set $cNew
              (f32x4.add (f32x4.mul (local.get $fg) (v128.load (i32.add (local.get $cPrev) (local.get $s))))
                         (f32x4.mul (local.get $ig) (local.get $cand))))
            (local.set $t (call $tanh (local.get $cNew)))
            (v128.store (i32.add (local.get $c) (local.get $s)) (local.get $cNew))
            (v128.store (i32.add (local.get $tanhC) (local.get $s)) (local.get $t))
            (v128.store (i32.add (local.get $h) (local.get $s)) (f32x4.mul (local.get $og) (local.get $t)))
            (local.set $u (i32.add (local.get $u) (i32.const 4)))
            (br $unit)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; Training's backward cell, one step, rows x units (units a multiple of 4). dhOut: gradient of this step's
  ;; output h_t; dhRec: gradient reaching h_t through the next step's recurrent product (0: none, the last step);
  ;; dc: in, the gradient of c_t from the next step, out, that of c_{t-1}. gates, tanhC, cPrev: the forward's.
  ;; Writes the pre-activation gradient dz [rows, 4 units] and, unless dzCopy is 0, the same to dzCopy, and adds
  ;; its column sums to dBias [4 units] (the bias gradient, summed over the steps as they come).
  (func (export "trainBackwardCell")
    (param $dhOut i32) (param $dhRec i32) (param $dc i32) (param $gates i32) (param $tanhC i32) (param $cPrev i32)
    (param $dz i32) (param $dzCopy i32) (param $dBias i32) (param $units i32) (param $rows i32)
    (local $gate i32) (local $r i32) (local $u i32) (local $s i32) (local $g i32) (local $bias i32)
    (local $dh v128) (local $ig v128) (local $fg v128) (local $cand v128) (local $og v128) (local $t v128)
    (local $dcNow v128) (local $one v128) (local $v v128)
    (local.set $one (v128.const f32x4 1 1 1 1))
    (local.set $gate (i32.shl (local.get $units) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $u (i32.const 0))
        (block $unitsDone
          (loop $unit
            (br_if $unitsDone (i32.ge_u (local.get $u) (local.get $units)))
            (local.set $s (i32.shl (i32.add (i32.mul (local.get $r) (local.get $units)) (local.get $u)) (i32.const 2)))
            (local.set $g (i32.add (i32.mul (local.get $r) (i32.shl (local.get $gate) (i32.const 2)))
                                   (i32.shl (local.get $u) (i32.const 2))))
            (local.set $bias (i32.add (local.get $dBias) (i32.shl (local.get $u) (i32.const 2))))
            (local.set $dh (v128.load (i32.add (local.get $dhOut) (local.get $s))))
            (if (local.get $dhRec)
              (then (local.set $dh (f32x4.add (local.get $dh) (v128.load (i32.add (local.get $dhRec) (local.get $s)))))))
            (local.set $ig (v128.load (i32.add (local.get $gates) (local.get $g))))
            (local.set $fg (v128.load (i32.add (i32.add (local.get $gates) (local.get $g)) (local.get $gate))))
            (local.set $cand (v128.load (i32.add (i32.add (local.get $gates) (local.get $g))
                                                 (i32.shl (local.get $gate) (i32.const 1)))))
            (local.set $og (v128.load (i32.add (i32.add (local.get $gates) (local.get $g))
                                               (i32.mul (local.get $gate) (i32.const 3)))))
            (local.set $t (v128.load (i32.add (local.get $tanhC) (local.get $s))))
            (local.set $dcNow
              (f32x4.add (v128.load (i32.add (local.get $dc) (local.get $s)))
                         (f32x4.mul (f32x4.mul (local.get $dh) (local.get $og))
                                    (f32x4.sub (local.get $one) (f32x4.mul (local.get $t) (local.get $t))))))
            (v128.store (i32.add (local.get $dc) (local.get $s)) (f32x4.mul (local.get $dcNow) (local.get $fg)))
            ;; dz for i, f, g, o, each stored to dz and, if given, dzCopy.
            (local.set $v (f32x4.mul (f32x4.mul (local.get $dcNow) (local.get $cand))
                                     (f32x4.mul (local.get $ig) (f32x4.sub (local.get $one) (local.get $ig)))))
            (call $store3 (local.get $dz) (local.get $dzCopy) (local.get $g) (local.get $bias) (local.get $v))
            (local.set $v (f32x4.mul (f32x4.mul (local.get $dcNow) (v128.load (i32.add (local.get $cPrev) (local.get $s))))
                                     (f32x4.mul (local.get $fg) (f32x4.sub (local.get $one) (local.get $fg)))))
            (call $store3 (local.get $dz) (local.get $dzCopy) (i32.add (local.get $g) (local.get $gate))
              (i32.add (local.get $bias) (local.get $gate)) (local.get $v))
            (local.set $v (f32x4.mul (f32x4.mul (local.get $dcNow) (local.get $ig))
                                     (f32x4.sub (local.get $one) (f32x4.mul (local.get $cand) (local.get $cand)))))
            (call $store3 (local.get $dz) (local.get $dzCopy)
              (i32.add (local.get $g) (i32.shl (local.get $gate) (i32.const 1)))
              (i32.add (local.get $bias) (i32.shl (local.get $gate) (i32.const 1))) (local.get $v))
            (local.set $v (f32x4.mul (f32x4.mul (local.get $dh) (local.get $t))
                                     (f32x4.mul (local.get $og) (f32x4.sub (local.get $one) (local.get $og)))))
            (call $store3 (local.get $dz) (local.get $dzCopy)
              (i32.add (local.get $g) (i32.mul (local.get $gate) (i32.const 3)))
              (i32.add (local.get $bias) (i32.mul (local.get $gate) (i32.const 3))) (local.get $v))
            (local.set $u (i32.add (local.get $u) (i32.const 4)))
            (br $unit)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; v to a + offset and, unless b is 0, to b + offset, and added to the four sums at `sum`.
  (func $store3 (param $a i32) (param $b i32) (param $offset i32) (param $sum i32) (param $v v128)
    (v128.store (i32.add (local.get $a) (local.get $offset)) (local.get $v))
    (if (local.get $b) (then (v128.store (i32.add (local.get $b) (local.get $offset)) (local.get $v))))
    (v128.store (local.get $sum) (f32x4.add (v128.load (local.get $sum)) (local.get $v))))
)
