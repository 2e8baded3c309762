using System.Buffers.Binary;
using System.Text;

namespace SharpLoss.TorchSharpNative;

/// <summary>
/// Marks one symbol-version requirement of an ELF64 shared library as weak, so that the dynamic loader accepts the
/// library on a system whose dependency lacks that version.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's <c>libLibTorchSharp.so</c> was linked against GCC 13's libstdc++ and so requires
/// <c>GLIBCXX_3.4.32</c>, for a single symbol (<c>std::ios_base_library_init</c>) that nothing calls. Debian 12's
/// libstdc++ stops at <c>GLIBCXX_3.4.30</c>, and glibc refuses to load the library ("version `GLIBCXX_3.4.32' not
/// found"). A requirement flagged <c>VER_FLG_WEAK</c> only produces that check's warning instead of the error.
/// <para>
/// The requirements live in the <c>SHT_GNU_verneed</c> section (<c>.gnu.version_r</c>): a linked list of
/// <c>Elf64_Verneed</c> records (one per needed library), each heading a linked list of <c>Elf64_Vernaux</c> records
/// (one per needed version) whose names are offsets into the string table named by the section's <c>sh_link</c>.
/// The patch flips one bit in one <c>vna_flags</c> field; the file's size and layout do not change. Only ever apply
/// it to a private copy (a program's own output directory), never to the NuGet package cache.
/// </para>
/// </remarks>
internal static class ElfVersionPatch
{
    private const uint ShtGnuVerneed = 0x6ffffffe;  // SHT_GNU_verneed
    private const ushort VerFlgWeak = 0x2;         // VER_FLG_WEAK
    private const int ShdrSize = 64;               // sizeof(Elf64_Shdr)

    /// <summary>What <see cref="MakeVersionNeedWeak"/> did.</summary>
    public enum Outcome
    {
        /// <summary>The flag was set and the file rewritten.</summary>
        Patched,

        /// <summary>The requirement was already weak; the file was left alone.</summary>
        AlreadyWeak,

        /// <summary>The file does not require that version; the file was left alone.</summary>
        NotRequired,
    }

    /// <summary>True when the file at <paramref name="path"/> contains the ASCII string <paramref name="text"/>.</summary>
    public static bool FileContains(string path, string text) =>
        File.ReadAllBytes(path).AsSpan().IndexOf(Encoding.ASCII.GetBytes(text)) >= 0;

    /// <summary>
    /// Sets <c>VER_FLG_WEAK</c> on every version requirement named <paramref name="versionName"/> in the ELF64
    /// little-endian file at <paramref name="path"/>. The new content is written to a temporary file and renamed over
    /// the original, so a hard link to another copy (such as the package cache) is never written through.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not an ELF64 little-endian file or is malformed.</exception>
    public static Outcome MakeVersionNeedWeak(string path, string versionName)
    {
        byte[] elf = File.ReadAllBytes(path);
        ReadOnlySpan<byte> wanted = Encoding.ASCII.GetBytes(versionName);

        // e_ident: "\x7fELF", EI_CLASS = 2 (ELFCLASS64), EI_DATA = 1 (ELFDATA2LSB).
        if (elf.Length < 64 || !elf.AsSpan(0, 4).SequenceEqual("\u007fELF"u8) || elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException($"{path} is not a little-endian ELF64 file.");
        }

        // Elf64_Ehdr: e_shoff at 0x28 (8 bytes), e_shentsize at 0x3A, e_shnum at 0x3C (2 bytes each).
        ulong shoff = U64(elf, 0x28);
        int shentsize = U16(elf, 0x3A);
        int shnum = U16(elf, 0x3C);
        if (shentsize != ShdrSize || shoff == 0 || shoff + (ulong)(shnum * ShdrSize) > (ulong)elf.Length)
        {
            throw new InvalidDataException($"{path}: unexpected section header table.");
        }

        bool found = false, changed = false;
        for (int s = 0; s < shnum; s++)
        {
            // Elf64_Shdr: sh_type at +4, sh_offset at +24, sh_size at +32, sh_link at +40, sh_info at +44.
            int sh = checked((int)shoff + s * ShdrSize);
            if (U32(elf, sh + 4) != ShtGnuVerneed)
            {
                continue;
            }

            int secOffset = checked((int)U64(elf, sh + 24));
            int secSize = checked((int)U64(elf, sh + 32));
            int entries = (int)U32(elf, sh + 44);            // sh_info: number of Elf64_Verneed records
            int strtab = checked((int)shoff + (int)U32(elf, sh + 40) * ShdrSize);
            int strOffset = checked((int)U64(elf, strtab + 24));
            int strSize = checked((int)U64(elf, strtab + 32));

            int need = secOffset;
            for (int n = 0; n < entries; n++)
            {
                // Elf64_Verneed: vn_version (2), vn_cnt (2), vn_file (4), vn_aux (4), vn_next (4); 16 bytes.
                CheckRange(need, 16, secOffset, secSize, path);
                int count = U16(elf, need + 2);
                int aux = need + (int)U32(elf, need + 8);
                for (int a = 0; a < count; a++)
                {
                    // Elf64_Vernaux: vna_hash (4), vna_flags (2), vna_other (2), vna_name (4), vna_next (4); 16 bytes.
                    CheckRange(aux, 16, secOffset, secSize, path);
                    int name = (int)U32(elf, aux + 8);
                    if (name >= strSize)
                    {
                        throw new InvalidDataException($"{path}: version name offset {name} outside the string table.");
                    }

                    ReadOnlySpan<byte> str = elf.AsSpan(strOffset + name, strSize - name);
                    int end = str.IndexOf((byte)0);
                    if (end >= 0 && str[..end].SequenceEqual(wanted))
                    {
                        found = true;
                        ushort flags = U16(elf, aux + 4);
                        if ((flags & VerFlgWeak) == 0)
                        {
                            BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(aux + 4), (ushort)(flags | VerFlgWeak));
                            changed = true;
                        }
                    }

                    aux += (int)U32(elf, aux + 12);   // vna_next: offset to the next Elf64_Vernaux, 0 at the end
                }

                need += (int)U32(elf, need + 12);     // vn_next: offset to the next Elf64_Verneed, 0 at the end
            }
        }

        if (!found)
        {
            return Outcome.NotRequired;
        }

        if (!changed)
        {
            return Outcome.AlreadyWeak;
        }

        string temp = path + ".patching";
        File.WriteAllBytes(temp, elf);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
        }

        File.Move(temp, path, overwrite: true);
        return Outcome.Patched;
    }

    private static void CheckRange(int at, int length, int secOffset, int secSize, string path)
    {
        if (at < secOffset || at + length > secOffset + secSize)
        {
            throw new InvalidDataException($"{path}: version-need record at {at} outside .gnu.version_r.");
        }
    }

    private static ushort U16(byte[] b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at));

    private static uint U32(byte[] b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at));

    private static ulong U64(byte[] b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at));
}
