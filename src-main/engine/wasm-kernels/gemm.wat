;; Single-precision matrix product on the tfjs wasm backend's own memory (imported), with relaxed-SIMD fused
;; multiply-add (f32x4.relaxed_madd). On a CPU with FMA this is one instruction where SIMD128 needs a multiply, an
;; add and a temporary register, which is what lets a 4 x 8 register tile run near the core's 128-bit peak; where
;; relaxed SIMD does not validate, gemm-kernel.ts leaves every product to XNNPACK (the SIMD128 path).
;;
;; Every pointer and stride is in bytes. B is first packed into panels of 8 columns: panel p holds rows 0..k-1 of
;; columns 8p..8p+7, contiguous (32 bytes a row), zero past column n; a panel of 256 rows is 8 KiB and stays in L1
;; while a block of A's rows streams past it.
(module
  (import "env" "memory" (memory 1))

  ;; Rows of A per block (A's block stays in L2 while every panel passes) and k per block (a panel slice in L1).
  (global $MC i32 (i32.const 64))
  (global $KC i32 (i32.const 256))

  ;; Packs B into panels. Not transposed: B(kk, col) at b + 4 (kk n + col) ([k, n] row-major); transposed:
  ;; at b + 4 (col k + kk) (B stored as [n, k]). A plain B's whole panels go 16 at a time, row by row: B is read in
  ;; 512-byte runs and written to 16 panels (panels are 32 k bytes apart: copying one panel at a time reads a new
  ;; line and page of B per row, twice; every panel per row writes to as many pages as there are panels).
  (func (export "pack") (param $b i32) (param $k i32) (param $n i32) (param $transposed i32) (param $dst i32)
    (local $p i32) (local $p0 i32) (local $pEnd i32) (local $whole i32) (local $panels i32) (local $kk i32)
    (local $j i32) (local $col i32) (local $src i32) (local $out i32) (local $panelBytes i32)
    (local.set $panels (i32.shr_u (i32.add (local.get $n) (i32.const 7)) (i32.const 3)))
    (local.set $whole (select (i32.shr_u (local.get $n) (i32.const 3)) (i32.const 0) (i32.eqz (local.get $transposed))))
    (local.set $panelBytes (i32.shl (local.get $k) (i32.const 5)))
    (local.set $p0 (i32.const 0))
    (block $wholeDone
      (loop $group
        (br_if $wholeDone (i32.ge_u (local.get $p0) (local.get $whole)))
        (local.set $pEnd (i32.add (local.get $p0) (i32.const 16)))
        (if (i32.gt_u (local.get $pEnd) (local.get $whole)) (then (local.set $pEnd (local.get $whole))))
        (local.set $kk (i32.const 0))
        (loop $row
          (local.set $src (i32.add (local.get $b)
            (i32.shl (i32.add (i32.mul (local.get $kk) (local.get $n)) (i32.shl (local.get $p0) (i32.const 3)))
                     (i32.const 2))))
          (local.set $out (i32.add (local.get $dst)
            (i32.add (i32.mul (local.get $p0) (local.get $panelBytes)) (i32.shl (local.get $kk) (i32.const 5)))))
          (local.set $p (local.get $p0))
          (loop $panel
            (v128.store offset=0 (local.get $out) (v128.load offset=0 (local.get $src)))
            (v128.store offset=16 (local.get $out) (v128.load offset=16 (local.get $src)))
            (local.set $src (i32.add (local.get $src) (i32.const 32)))
            (local.set $out (i32.add (local.get $out) (local.get $panelBytes)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br_if $panel (i32.lt_u (local.get $p) (local.get $pEnd))))
          (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
          (br_if $row (i32.lt_u (local.get $kk) (local.get $k))))
        (local.set $p0 (local.get $pEnd))
        (br $group)))
    ;; The rest (a transposed B, or the last partial panel), lane by lane, zero past column n.
    (local.set $kk (i32.const 0))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $kk) (local.get $k)))
        (local.set $p (local.get $whole))
        (local.set $out (i32.add (local.get $dst)
          (i32.add (i32.mul (local.get $p) (local.get $panelBytes)) (i32.shl (local.get $kk) (i32.const 5)))))
        (block $restDone
          (loop $rest
            (br_if $restDone (i32.ge_u (local.get $p) (local.get $panels)))
            (local.set $j (i32.const 0))
            (loop $lane
              (local.set $col (i32.add (i32.shl (local.get $p) (i32.const 3)) (local.get $j)))
              (f32.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2)))
                (if (result f32) (i32.lt_u (local.get $col) (local.get $n))
                  (then
                    (f32.load (i32.add (local.get $b) (i32.shl
                      (if (result i32) (local.get $transposed)
                        (then (i32.add (i32.mul (local.get $col) (local.get $k)) (local.get $kk)))
                        (else (i32.add (i32.mul (local.get $kk) (local.get $n)) (local.get $col))))
                      (i32.const 2)))))
                  (else (f32.const 0))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br_if $lane (i32.lt_u (local.get $j) (i32.const 8))))
            (local.set $out (i32.add (local.get $out) (local.get $panelBytes)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $rest)))
        (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
        (br $row))))

  ;; C[4 rows, 8 cols] = init + A[4 rows, kc] x panel[kc, 8]. A(r, kk) at a + r ars + kk aks. init 0: zero, 1: C's
  ;; current values (accumulate), 2: the 8 floats at ip in every row (a bias). kc >= 1.
  (func $tile4 (param $a i32) (param $ars i32) (param $aks i32) (param $bp i32) (param $bks i32) (param $kc i32)
    (param $c i32) (param $ldc i32) (param $init i32) (param $ip i32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $c1 i32) (local $c2 i32) (local $c3 i32)
    (local $b0 v128) (local $b1 v128) (local $s v128)
    (local $x00 v128) (local $x01 v128) (local $x10 v128) (local $x11 v128)
    (local $x20 v128) (local $x21 v128) (local $x30 v128) (local $x31 v128)
    (local.set $a1 (i32.add (local.get $a) (local.get $ars)))
    (local.set $a2 (i32.add (local.get $a1) (local.get $ars)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $ars)))
    (local.set $c1 (i32.add (local.get $c) (local.get $ldc)))
    (local.set $c2 (i32.add (local.get $c1) (local.get $ldc)))
    (local.set $c3 (i32.add (local.get $c2) (local.get $ldc)))
    (if (i32.eq (local.get $init) (i32.const 1))
      (then
        (local.set $x00 (v128.load offset=0 (local.get $c)))
        (local.set $x01 (v128.load offset=16 (local.get $c)))
        (local.set $x10 (v128.load offset=0 (local.get $c1)))
        (local.set $x11 (v128.load offset=16 (local.get $c1)))
        (local.set $x20 (v128.load offset=0 (local.get $c2)))
        (local.set $x21 (v128.load offset=16 (local.get $c2)))
        (local.set $x30 (v128.load offset=0 (local.get $c3)))
        (local.set $x31 (v128.load offset=16 (local.get $c3))))
      (else
        (if (i32.eq (local.get $init) (i32.const 2))
          (then
            (local.set $b0 (v128.load offset=0 (local.get $ip)))
            (local.set $b1 (v128.load offset=16 (local.get $ip))))
          (else
            (local.set $b0 (v128.const f32x4 0 0 0 0))
            (local.set $b1 (v128.const f32x4 0 0 0 0))))
        (local.set $x00 (local.get $b0))
        (local.set $x01 (local.get $b1))
        (local.set $x10 (local.get $b0))
        (local.set $x11 (local.get $b1))
        (local.set $x20 (local.get $b0))
        (local.set $x21 (local.get $b1))
        (local.set $x30 (local.get $b0))
        (local.set $x31 (local.get $b1))))
    (loop $k
      (local.set $b0 (v128.load offset=0 (local.get $bp)))
      (local.set $b1 (v128.load offset=16 (local.get $bp)))
      (local.set $s (v128.load32_splat (local.get $a)))
      (local.set $x00 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $x00)))
      (local.set $x01 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $x01)))
      (local.set $s (v128.load32_splat (local.get $a1)))
      (local.set $x10 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $x10)))
      (local.set $x11 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $x11)))
      (local.set $s (v128.load32_splat (local.get $a2)))
      (local.set $x20 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $x20)))
      (local.set $x21 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $x21)))
      (local.set $s (v128.load32_splat (local.get $a3)))
      (local.set $x30 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $x30)))
      (local.set $x31 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $x31)))
      (local.set $a (i32.add (local.get $a) (local.get $aks)))
      (local.set $a1 (i32.add (local.get $a1) (local.get $aks)))
      (local.set $a2 (i32.add (local.get $a2) (local.get $aks)))
      (local.set $a3 (i32.add (local.get $a3) (local.get $aks)))
      (local.set $bp (i32.add (local.get $bp) (local.get $bks)))
      (local.set $kc (i32.sub (local.get $kc) (i32.const 1)))
      (br_if $k (local.get $kc)))
    (v128.store offset=0 (local.get $c) (local.get $x00))
    (v128.store offset=16 (local.get $c) (local.get $x01))
    (v128.store offset=0 (local.get $c1) (local.get $x10))
    (v128.store offset=16 (local.get $c1) (local.get $x11))
    (v128.store offset=0 (local.get $c2) (local.get $x20))
    (v128.store offset=16 (local.get $c2) (local.get $x21))
    (v128.store offset=0 (local.get $c3) (local.get $x30))
    (v128.store offset=16 (local.get $c3) (local.get $x31)))

  ;; One row of the same (the rows left over below a multiple of 4).
  (func $tile1 (param $a i32) (param $aks i32) (param $bp i32) (param $bks i32) (param $kc i32) (param $c i32)
    (param $init i32) (param $ip i32)
    (local $s v128) (local $x0 v128) (local $x1 v128)
    (if (i32.eq (local.get $init) (i32.const 1))
      (then
        (local.set $x0 (v128.load offset=0 (local.get $c)))
        (local.set $x1 (v128.load offset=16 (local.get $c))))
      (else
        (if (i32.eq (local.get $init) (i32.const 2))
          (then
            (local.set $x0 (v128.load offset=0 (local.get $ip)))
            (local.set $x1 (v128.load offset=16 (local.get $ip)))))))
    (loop $k
      (local.set $s (v128.load32_splat (local.get $a)))
      (local.set $x0 (f32x4.relaxed_madd (local.get $s) (v128.load offset=0 (local.get $bp)) (local.get $x0)))
      (local.set $x1 (f32x4.relaxed_madd (local.get $s) (v128.load offset=16 (local.get $bp)) (local.get $x1)))
      (local.set $a (i32.add (local.get $a) (local.get $aks)))
      (local.set $bp (i32.add (local.get $bp) (local.get $bks)))
      (local.set $kc (i32.sub (local.get $kc) (i32.const 1)))
      (br_if $k (local.get $kc)))
    (v128.store offset=0 (local.get $c) (local.get $x0))
    (v128.store offset=16 (local.get $c) (local.get $x1)))

  ;; rows x 8 tile at (c, ldc) for the tiles: `rows` rows of A from a (row stride ars) into C rows from c.
  (func $tile (param $rows i32) (param $a i32) (param $ars i32) (param $aks i32) (param $bp i32) (param $bks i32)
    (param $kc i32) (param $c i32) (param $ldc i32) (param $init i32) (param $ip i32)
    (if (i32.eq (local.get $rows) (i32.const 4))
      (then
        (call $tile4 (local.get $a) (local.get $ars) (local.get $aks) (local.get $bp) (local.get $bks) (local.get $kc)
          (local.get $c) (local.get $ldc) (local.get $init) (local.get $ip)))
      (else
        (call $tile1 (local.get $a) (local.get $aks) (local.get $bp) (local.get $bks) (local.get $kc) (local.get $c)
          (local.get $init) (local.get $ip)))))

  ;; The last panel when n is not a multiple of 8: the tile runs on a scratch tile (rows x 8, 32-byte rows) so no
  ;; store passes column n. copyIn 1 fills the tile from C (init 1) or the bias (init 2) or zeros; 0 copies it out.
  (func $edge (param $copyIn i32) (param $rows i32) (param $c i32) (param $ldc i32) (param $cols i32)
    (param $init i32) (param $ip i32) (param $scratch i32)
    (local $r i32) (local $j i32) (local $at i32) (local $t i32)
    (local.set $r (i32.const 0))
    (loop $row
      (local.set $j (i32.const 0))
      (loop $lane
        (local.set $at (i32.add (i32.add (local.get $c) (i32.mul (local.get $r) (local.get $ldc)))
                                (i32.shl (local.get $j) (i32.const 2))))
        (local.set $t (i32.add (local.get $scratch)
                               (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 3)) (local.get $j)) (i32.const 2))))
        (if (local.get $copyIn)
          (then
            (f32.store (local.get $t)
              (if (result f32) (i32.ge_u (local.get $j) (local.get $cols))
                (then (f32.const 0))
                (else
                  (if (result f32) (i32.eq (local.get $init) (i32.const 1))
                    (then (f32.load (local.get $at)))
                    (else
                      (if (result f32) (i32.eq (local.get $init) (i32.const 2))
                        (then (f32.load (i32.add (local.get $ip) (i32.shl (local.get $j) (i32.const 2)))))
                        (else (f32.const 0)))))))))
          (else
            (if (i32.lt_u (local.get $j) (local.get $cols))
              (then (f32.store (local.get $at) (f32.load (local.get $t)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $lane (i32.lt_u (local.get $j) (i32.const 8))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $row (i32.lt_u (local.get $r) (local.get $rows)))))

  ;; C[m, n] (row stride ldc) = init + A[m, k] x B. A(i, kk) at a + i ars + kk aks (so a transposed A is
  ;; ars = 4, aks = 4 m). B's 8 columns of panel p, row kk, at b + p bps + kk bks (packed by `pack`: bks = 32,
  ;; bps = 32 k). init 0: zero,
  ;; 1: accumulate into C, 2: add the row of n floats at ip. scratch: 128 bytes (the edge tile). m, n, k >= 1.
  (func (export "gemm") (param $a i32) (param $ars i32) (param $aks i32) (param $m i32) (param $k i32)
    (param $b i32) (param $bks i32) (param $bps i32) (param $n i32) (param $c i32) (param $ldc i32) (param $init i32)
    (param $ip i32) (param $scratch i32)
    (local $k0 i32) (local $kc i32) (local $i0 i32) (local $iEnd i32) (local $p i32) (local $panels i32)
    (local $i i32) (local $rows i32) (local $mode i32) (local $panel i32) (local $cols i32) (local $ap i32)
    (local $cp i32)
    (local.set $panels (i32.shr_u (i32.add (local.get $n) (i32.const 7)) (i32.const 3)))
    (local.set $k0 (i32.const 0))
    (loop $kBlock
      (local.set $kc (i32.sub (local.get $k) (local.get $k0)))
      (if (i32.gt_u (local.get $kc) (global.get $KC)) (then (local.set $kc (global.get $KC))))
      (local.set $mode (select (local.get $init) (i32.const 1) (i32.eqz (local.get $k0))))
      (local.set $i0 (i32.const 0))
      (loop $mBlock
        (local.set $iEnd (i32.add (local.get $i0) (global.get $MC)))
        (if (i32.gt_u (local.get $iEnd) (local.get $m)) (then (local.set $iEnd (local.get $m))))
        (local.set $p (i32.const 0))
        (loop $panelLoop
          (local.set $panel (i32.add (local.get $b)
            (i32.add (i32.mul (local.get $p) (local.get $bps)) (i32.mul (local.get $k0) (local.get $bks)))))
          (local.set $cols (i32.sub (local.get $n) (i32.shl (local.get $p) (i32.const 3))))
          (local.set $i (local.get $i0))
          (loop $rowLoop
            (local.set $rows (select (i32.const 4) (i32.const 1)
              (i32.ge_u (i32.sub (local.get $iEnd) (local.get $i)) (i32.const 4))))
            (local.set $ap (i32.add (local.get $a) (i32.add (i32.mul (local.get $i) (local.get $ars))
                                                             (i32.mul (local.get $k0) (local.get $aks)))))
            (local.set $cp (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $ldc))
                                                             (i32.shl (local.get $p) (i32.const 5)))))
            (if (i32.ge_u (local.get $cols) (i32.const 8))
              (then
                (call $tile (local.get $rows) (local.get $ap) (local.get $ars) (local.get $aks) (local.get $panel)
                  (local.get $bks) (local.get $kc) (local.get $cp) (local.get $ldc) (local.get $mode)
                  (i32.add (local.get $ip) (i32.shl (local.get $p) (i32.const 5)))))
              (else
                (call $edge (i32.const 1) (local.get $rows) (local.get $cp) (local.get $ldc) (local.get $cols)
                  (local.get $mode) (i32.add (local.get $ip) (i32.shl (local.get $p) (i32.const 5)))
                  (local.get $scratch))
                (call $tile (local.get $rows) (local.get $ap) (local.get $ars) (local.get $aks) (local.get $panel)
                  (local.get $bks) (local.get $kc) (local.get $scratch) (i32.const 32) (i32.const 1) (i32.const 0))
                (call $edge (i32.const 0) (local.get $rows) (local.get $cp) (local.get $ldc) (local.get $cols)
                  (i32.const 1) (i32.const 0) (local.get $scratch))))
            (local.set $i (i32.add (local.get $i) (local.get $rows)))
            (br_if $rowLoop (i32.lt_u (local.get $i) (local.get $iEnd))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br_if $panelLoop (i32.lt_u (local.get $p) (local.get $panels))))
        (local.set $i0 (local.get $iEnd))
        (br_if $mBlock (i32.lt_u (local.get $i0) (local.get $m))))
      (local.set $k0 (i32.add (local.get $k0) (local.get $kc)))
      (br_if $kBlock (i32.lt_u (local.get $k0) (local.get $k))))))
