;; The LSTM's WebAssembly SIMD128 kernels (they validate wherever wasm SIMD does): generation's matrix-vector
;; products over packed weights and its cell (memory laid out by inference/step-kernel.ts, a memory of its own), and
;; training's forward and backward cells, matrix transpose and fused Adam update (on the tfjs wasm backend's heap,
;; from lstm/lstm-kernels.ts, transpose-kernel.ts and adam-kernel.ts). The memory is imported; every pointer is a
;; byte offset, every size a float count.
;;
;; Written for what V8's optimizing compiler makes of it (measured on Zen 4): it inlines no wasm call, and a call
;; spills every live SIMD register, so hot loops call nothing; and more live vectors than about a dozen spill too
;; (the one-row product runs one accumulator set: two sets ran at half the speed).
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

;; The activations, in one loop with exp written inline: V8 does not inline wasm calls here, and a call per vector
  ;; spilled the live SIMD registers. dst[i] = act(src[i] + src2[i]) for i < count (a multiple of 4; src2 0: src
  ;; alone), act the sigmoid for scale 1 and tanh for scale 2 (tanh(x) = 2 sigmoid(2x) - 1). dst may be src.
  ;; sigmoid(y) = 1 / (1 + exp(-y)), the exponent clamped to [-80, 80] (exp(-80) ~ 2e-35 and exp(80) ~ 6e34 are
  ;; normal floats: no overflow, no denormal slow path; sigmoid's error from the clamp is below 2e-35). exp(x):
  ;; x = n ln2 + r, |r| <= ln2 / 2, exp(r) by its degree-6 Taylor polynomial (relative error ~1e-7, about one float
  ;; ulp), 2^n in the exponent bits. n is rounded by adding 1.5 * 2^23 (the float's low mantissa bits then hold n),
  ;; pmax is one instruction where max is several: every op here was counted, this loop is instruction-bound.
  (func $activate (param $src i32) (param $src2 i32) (param $dst i32) (param $count i32) (param $scale f32)
    (local $i i32) (local $end i32) (local $k v128) (local $x v128) (local $n v128) (local $r v128) (local $p v128)
    (local $e v128)
    (local.set $k (f32x4.splat (local.get $scale)))
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $x (v128.load (i32.add (local.get $src) (local.get $i))))
        (if (local.get $src2)
          (then (local.set $x (f32x4.add (local.get $x) (v128.load (i32.add (local.get $src2) (local.get $i)))))))
        (local.set $x (f32x4.mul (local.get $x) (local.get $k)))
        ;; r = -x clamped to [-80, 80]; n = r log2(e) rounded (in the low bits of e, as a float in n)
        (local.set $r (f32x4.pmin (f32x4.pmax (f32x4.neg (local.get $x)) (v128.const f32x4 -80 -80 -80 -80))
                                  (v128.const f32x4 80 80 80 80)))
        (local.set $e (f32x4.add (f32x4.mul (local.get $r) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))
                                 (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $n (f32x4.sub (local.get $e) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $n) (v128.const f32x4 0.693145751953125 0.693145751953125 0.693145751953125 0.693145751953125))))
        (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $n) (v128.const f32x4 1.428606765330187e-6 1.428606765330187e-6 1.428606765330187e-6 1.428606765330187e-6))))
        ;; exp(r) = 1 + r + r^2/2 + ... + r^6/720 by Estrin's scheme, (1 + r + r2 (1/2 + r/6)) + r4 (1/24 + r/120 + r2/720)
        ;; with r2 = r^2, r4 = r^4: a short dependency chain (Horner's was one long chain, and the loop waited on it).
        (local.set $p (f32x4.mul (local.get $r) (local.get $r)))
        (local.set $n (f32x4.add (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $r))
          (f32x4.mul (local.get $p) (f32x4.add (v128.const f32x4 0.5 0.5 0.5 0.5) (f32x4.mul (local.get $r) (v128.const f32x4 0.16666667 0.16666667 0.16666667 0.16666667))))))
        (local.set $r (f32x4.add (f32x4.add (v128.const f32x4 4.1666667e-2 4.1666667e-2 4.1666667e-2 4.1666667e-2) (f32x4.mul (local.get $r) (v128.const f32x4 8.3333333e-3 8.3333333e-3 8.3333333e-3 8.3333333e-3)))
          (f32x4.mul (local.get $p) (v128.const f32x4 1.3888889e-3 1.3888889e-3 1.3888889e-3 1.3888889e-3))))
        (local.set $p (f32x4.add (local.get $n) (f32x4.mul (f32x4.mul (local.get $p) (local.get $p)) (local.get $r))))
        ;; e = p 2^n: the bits of 1.5 * 2^23 + n, less those of 1.5 * 2^23, plus the bias 127, as the exponent.
        (local.set $e (f32x4.mul (local.get $p)
          (i32x4.shl (i32x4.sub (local.get $e) (v128.const i32x4 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81 0x4B3FFF81)) (i32.const 23))))
        ;; sigmoid = 1 / (1 + exp(-x)), then scale * sigmoid - (scale - 1)
        (local.set $p (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $e))))
        (v128.store (i32.add (local.get $dst) (local.get $i))
          (f32x4.sub (f32x4.mul (local.get $p) (local.get $k)) (f32x4.sub (local.get $k) (v128.const f32x4 1 1 1 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $each))))

  ;; One row's gates [4 units] activated: i and f (contiguous) and o by the sigmoid, g by tanh.
  (func $activateGates (param $src i32) (param $src2 i32) (param $dst i32) (param $units i32)
    (local $gate i32)
    (local.set $gate (i32.shl (local.get $units) (i32.const 2)))
    (call $activate (local.get $src) (local.get $src2) (local.get $dst) (i32.shl (local.get $units) (i32.const 1)) (f32.const 1))
    (call $activate
      (i32.add (local.get $src) (i32.shl (local.get $gate) (i32.const 1)))
      (if (result i32) (local.get $src2) (then (i32.add (local.get $src2) (i32.shl (local.get $gate) (i32.const 1)))) (else (i32.const 0)))
      (i32.add (local.get $dst) (i32.shl (local.get $gate) (i32.const 1))) (local.get $units) (f32.const 2))
    (call $activate
      (i32.add (local.get $src) (i32.mul (local.get $gate) (i32.const 3)))
      (if (result i32) (local.get $src2) (then (i32.add (local.get $src2) (i32.mul (local.get $gate) (i32.const 3)))) (else (i32.const 0)))
      (i32.add (local.get $dst) (i32.mul (local.get $gate) (i32.const 3))) (local.get $units) (f32.const 1)))

  ;; One row's cell from its activated gates g [4 units]: c = f * cPrev + i * g written to c (may be cPrev); then
  ;; tanhC = tanh(c) (tanhC 0: into h) and h = o * tanh(c).
  (func $cellRow (param $g i32) (param $cPrev i32) (param $c i32) (param $tanhC i32) (param $h i32) (param $units i32)
    (local $gate i32) (local $i i32) (local $end i32) (local $t i32)
    (local.set $gate (i32.shl (local.get $units) (i32.const 2)))
    (local.set $end (local.get $gate))
    (local.set $i (i32.const 0))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store (i32.add (local.get $c) (local.get $i))
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (i32.add (local.get $g) (local.get $gate)) (local.get $i)))
                       (v128.load (i32.add (local.get $cPrev) (local.get $i))))
            (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $i)))
                       (v128.load (i32.add (i32.add (local.get $g) (i32.shl (local.get $gate) (i32.const 1))) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $each)))
    (local.set $t (if (result i32) (local.get $tanhC) (then (local.get $tanhC)) (else (local.get $h))))
    (call $activate (local.get $c) (i32.const 0) (local.get $t) (local.get $units) (f32.const 2))
    (local.set $i (i32.const 0))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store (i32.add (local.get $h) (local.get $i))
          (f32x4.mul (v128.load (i32.add (local.get $t) (local.get $i)))
                     (v128.load (i32.add (i32.add (local.get $g) (i32.mul (local.get $gate) (i32.const 3))) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $each))))

  ;; The LSTM cell for rows x units (units a multiple of 4): z [rows, 4 units] holds the pre-activations in the gate
  ;; order i, f, g, o (bias included) and is overwritten with the activated gates; c [rows, units] is read and
  ;; overwritten; h [rows, units] is written.
  (func (export "lstmCell") (param $z i32) (param $c i32) (param $h i32) (param $units i32) (param $rows i32)
    (local $r i32) (local $zp i32) (local $sp i32)
    (local.set $r (i32.const 0))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $zp (i32.add (local.get $z) (i32.shl (i32.mul (local.get $r) (local.get $units)) (i32.const 4))))
        (local.set $sp (i32.shl (i32.mul (local.get $r) (local.get $units)) (i32.const 2)))
        (call $activateGates (local.get $zp) (i32.const 0) (local.get $zp) (local.get $units))
        (call $cellRow (local.get $zp) (i32.add (local.get $c) (local.get $sp)) (i32.add (local.get $c) (local.get $sp))
          (i32.const 0) (i32.add (local.get $h) (local.get $sp)) (local.get $units))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; Training's forward cell for rows x units (units a multiple of 4). The pre-activations are zRec + zIn, both
  ;; [rows, 4 units] in the gate order i, f, g, o (zRec = h_{t-1} x recurrent kernel; zIn = x_t x kernel + bias).
  ;; Reads cPrev [rows, units]; writes the activated gates [rows, 4 units], c, tanhC and h [rows, units].
  (func (export "trainForwardCell")
    (param $zRec i32) (param $zIn i32) (param $cPrev i32) (param $gates i32) (param $c i32) (param $tanhC i32)
    (param $h i32) (param $units i32) (param $rows i32)
    (local $r i32) (local $g i32) (local $s i32)
    (local.set $r (i32.const 0))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $g (i32.shl (i32.mul (local.get $r) (local.get $units)) (i32.const 4)))
        (local.set $s (i32.shl (i32.mul (local.get $r) (local.get $units)) (i32.const 2)))
        (call $activateGates (i32.add (local.get $zRec) (local.get $g)) (i32.add (local.get $zIn) (local.get $g))
          (i32.add (local.get $gates) (local.get $g)) (local.get $units))
        (call $cellRow (i32.add (local.get $gates) (local.get $g)) (i32.add (local.get $cPrev) (local.get $s))
          (i32.add (local.get $c) (local.get $s)) (i32.add (local.get $tanhC) (local.get $s))
          (i32.add (local.get $h) (local.get $s)) (local.get $units))
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
    (local $gate i32) (local $r i32) (local $u i32) (local $s i32) (local $g i32) (local $end i32)
    (local $dh v128) (local $ig v128) (local $fg v128) (local $cand v128) (local $og v128) (local $t v128)
    (local $dcNow v128) (local $one v128)
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
            ;; dz for i, f, g, o.
            (local.set $g (i32.add (local.get $dz) (local.get $g)))
            (v128.store (local.get $g)
              (f32x4.mul (f32x4.mul (local.get $dcNow) (local.get $cand))
                         (f32x4.mul (local.get $ig) (f32x4.sub (local.get $one) (local.get $ig)))))
            (v128.store (i32.add (local.get $g) (local.get $gate))
              (f32x4.mul (f32x4.mul (local.get $dcNow) (v128.load (i32.add (local.get $cPrev) (local.get $s))))
                         (f32x4.mul (local.get $fg) (f32x4.sub (local.get $one) (local.get $fg)))))
            (v128.store (i32.add (local.get $g) (i32.shl (local.get $gate) (i32.const 1)))
              (f32x4.mul (f32x4.mul (local.get $dcNow) (local.get $ig))
                         (f32x4.sub (local.get $one) (f32x4.mul (local.get $cand) (local.get $cand)))))
            (v128.store (i32.add (local.get $g) (i32.mul (local.get $gate) (i32.const 3)))
              (f32x4.mul (f32x4.mul (local.get $dh) (local.get $t))
                         (f32x4.mul (local.get $og) (f32x4.sub (local.get $one) (local.get $og)))))
            (local.set $u (i32.add (local.get $u) (i32.const 4)))
            (br $unit)))
        ;; The row's dz [4 units] into dBias and, if given, dzCopy.
        (local.set $g (i32.mul (local.get $r) (i32.shl (local.get $gate) (i32.const 2))))
        (if (local.get $dzCopy)
          (then (memory.copy (i32.add (local.get $dzCopy) (local.get $g)) (i32.add (local.get $dz) (local.get $g))
                  (i32.shl (local.get $gate) (i32.const 2)))))
        (local.set $g (i32.add (local.get $dz) (local.get $g)))
        (local.set $s (i32.const 0))
        (local.set $end (i32.shl (local.get $gate) (i32.const 2)))
        (block $sumDone
          (loop $sum
            (br_if $sumDone (i32.ge_u (local.get $s) (local.get $end)))
            (v128.store (i32.add (local.get $dBias) (local.get $s))
              (f32x4.add (v128.load (i32.add (local.get $dBias) (local.get $s)))
                         (v128.load (i32.add (local.get $g) (local.get $s)))))
            (local.set $s (i32.add (local.get $s) (i32.const 16)))
            (br $sum)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; dst[c dstStride + r] = src[r srcStride + c] for r < rows, c < cols (strides in floats): 4 x 4 blocks by
  ;; shuffles, the edge rows and columns one by one. Blocks go along a row of src, so the 4 x cols block of dst
  ;; being written stays in L1 while the next four rows of src stream in.
  (func (export "transpose") (param $src i32) (param $rows i32) (param $cols i32) (param $srcStride i32)
    (param $dst i32) (param $dstStride i32)
    (local $r i32) (local $c i32) (local $rows4 i32) (local $cols4 i32) (local $sb i32) (local $db i32)
    (local $s i32) (local $d i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $t0 v128) (local $t1 v128)
    (local $t2 v128) (local $t3 v128)
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $sb (i32.shl (local.get $srcStride) (i32.const 2)))
    (local.set $db (i32.shl (local.get $dstStride) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $blockRowsDone
      (loop $blockRow
        (br_if $blockRowsDone (i32.ge_u (local.get $r) (local.get $rows4)))
        (local.set $c (i32.const 0))
        (block $blocksDone
          (loop $block
            (br_if $blocksDone (i32.ge_u (local.get $c) (local.get $cols4)))
            (local.set $s (i32.add (local.get $src)
              (i32.shl (i32.add (i32.mul (local.get $r) (local.get $srcStride)) (local.get $c)) (i32.const 2))))
            (local.set $v0 (v128.load (local.get $s)))
            (local.set $v1 (v128.load (i32.add (local.get $s) (local.get $sb))))
            (local.set $v2 (v128.load (i32.add (local.get $s) (i32.shl (local.get $sb) (i32.const 1)))))
            (local.set $v3 (v128.load (i32.add (local.get $s) (i32.mul (local.get $sb) (i32.const 3)))))
            ;; t0 = a0 b0 a1 b1, t1 = a2 b2 a3 b3 (rows 0 and 1), t2, t3 the same of rows 2 and 3
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
            (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
            (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
            (local.set $d (i32.add (local.get $dst)
              (i32.shl (i32.add (i32.mul (local.get $c) (local.get $dstStride)) (local.get $r)) (i32.const 2))))
            (v128.store (local.get $d)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
            (v128.store (i32.add (local.get $d) (local.get $db))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
            (v128.store (i32.add (local.get $d) (i32.shl (local.get $db) (i32.const 1)))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
            (v128.store (i32.add (local.get $d) (i32.mul (local.get $db) (i32.const 3)))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $block)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $blockRow)))
    ;; The columns right of the blocks (rows below rows4), then every column of the rows below them.
    (local.set $r (i32.const 0))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (select (local.get $cols4) (i32.const 0) (i32.lt_u (local.get $r) (local.get $rows4))))
        (block $colsDone
          (loop $col
            (br_if $colsDone (i32.ge_u (local.get $c) (local.get $cols)))
            (f32.store
              (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $dstStride)) (local.get $r)) (i32.const 2)))
              (f32.load
                (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $srcStride)) (local.get $c)) (i32.const 2)))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $col)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; One Adam update with the clipping scale, PyTorch's formula in optimizer.ts's order of float32 operations (so
  ;; the result is the tensor ops' to the bit): g' = g scale; m1 = m beta1 + g' (1 - beta1); v1 = v beta2 +
  ;; g'^2 (1 - beta2); w1 = w - m1 / (sqrt(v1) / secondCorrection + epsilon) stepSize. One pass over the four
  ;; arrays where the tensor ops made twelve. oneMinusBeta1/2 are passed rounded as the tensor ops round them.
  (func (export "adam")
    (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $outW i32) (param $outM i32) (param $outV i32)
    (param $count i32) (param $scale f32) (param $beta1 f32) (param $oneMinusBeta1 f32) (param $beta2 f32)
    (param $oneMinusBeta2 f32) (param $stepSize f32) (param $secondCorrection f32) (param $epsilon f32)
    (local $i i32) (local $end i32) (local $all i32) (local $gs v128) (local $m1 v128) (local $v1 v128)
    (local $gf f32) (local $mf f32) (local $vf f32)
    (local.set $end (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2)))
    (local.set $all (i32.shl (local.get $count) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gs (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $i))) (f32x4.splat (local.get $scale))))
        (local.set $m1 (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $i))) (f32x4.splat (local.get $beta1)))
                                  (f32x4.mul (local.get $gs) (f32x4.splat (local.get $oneMinusBeta1)))))
        (local.set $v1 (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $i))) (f32x4.splat (local.get $beta2)))
                                  (f32x4.mul (f32x4.mul (local.get $gs) (local.get $gs)) (f32x4.splat (local.get $oneMinusBeta2)))))
        (v128.store (i32.add (local.get $outM) (local.get $i)) (local.get $m1))
        (v128.store (i32.add (local.get $outV) (local.get $i)) (local.get $v1))
        (v128.store (i32.add (local.get $outW) (local.get $i))
          (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $i)))
            (f32x4.mul
              (f32x4.div (local.get $m1)
                (f32x4.add (f32x4.div (f32x4.sqrt (local.get $v1)) (f32x4.splat (local.get $secondCorrection)))
                           (f32x4.splat (local.get $epsilon))))
              (f32x4.splat (local.get $stepSize)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $each)))
    ;; The last count % 4 elements, the same in scalar float32.
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $all)))
        (local.set $gf (f32.mul (f32.load (i32.add (local.get $g) (local.get $i))) (local.get $scale)))
        (local.set $mf (f32.add (f32.mul (f32.load (i32.add (local.get $m) (local.get $i))) (local.get $beta1))
                                (f32.mul (local.get $gf) (local.get $oneMinusBeta1))))
        (local.set $vf (f32.add (f32.mul (f32.load (i32.add (local.get $v) (local.get $i))) (local.get $beta2))
                                (f32.mul (f32.mul (local.get $gf) (local.get $gf)) (local.get $oneMinusBeta2))))
        (f32.store (i32.add (local.get $outM) (local.get $i)) (local.get $mf))
        (f32.store (i32.add (local.get $outV) (local.get $i)) (local.get $vf))
        (f32.store (i32.add (local.get $outW) (local.get $i))
          (f32.sub (f32.load (i32.add (local.get $w) (local.get $i)))
            (f32.mul
              (f32.div (local.get $mf)
                (f32.add (f32.div (f32.sqrt (local.get $vf)) (local.get $secondCorrection)) (local.get $epsilon)))
              (local.get $stepSize))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail))))

  ;; UnsortedSegmentSum's sums (out zeroed by the caller): out[ids[i]] += values[i] for each of `count` rows of
  ;; `width` floats; ids outside [0, segments) are dropped. Pointers in bytes.
  (func (export "segmentSum")
    (param $values i32) (param $ids i32) (param $count i32) (param $width i32) (param $segments i32) (param $out i32)
    (local $i i32) (local $segment i32) (local $src i32) (local $dst i32) (local $j i32) (local $end i32) (local $all i32)
    (local.set $end (i32.shl (i32.and (local.get $width) (i32.const -4)) (i32.const 2)))
    (local.set $all (i32.shl (local.get $width) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $segment (i32.load (i32.add (local.get $ids) (i32.shl (local.get $i) (i32.const 2)))))
        (if (i32.lt_u (local.get $segment) (local.get $segments))
          (then
            (local.set $src (i32.add (local.get $values) (i32.mul (local.get $i) (local.get $all))))
            (local.set $dst (i32.add (local.get $out) (i32.mul (local.get $segment) (local.get $all))))
            (local.set $j (i32.const 0))
            (block $bodyDone
              (loop $body
                (br_if $bodyDone (i32.ge_u (local.get $j) (local.get $end)))
                (v128.store (i32.add (local.get $dst) (local.get $j))
                  (f32x4.add (v128.load (i32.add (local.get $dst) (local.get $j)))
                             (v128.load (i32.add (local.get $src) (local.get $j)))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $body)))
            (block $tailDone
              (loop $tail
                (br_if $tailDone (i32.ge_u (local.get $j) (local.get $all)))
                (f32.store (i32.add (local.get $dst) (local.get $j))
                  (f32.add (f32.load (i32.add (local.get $dst) (local.get $j)))
                           (f32.load (i32.add (local.get $src) (local.get $j)))))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $tail)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row))))
)
