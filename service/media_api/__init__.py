"""The HTTP side of media: uploads, the files of pictures, and the archive of originals."""
